#!/usr/bin/env bash
# Builds the C health client (Tests/CClient/dms_health_client.c) into OUTDIR/dms-health-client.
# Usage: Tests/CClient/build.sh OUTDIR
# Needs protoc-c, libprotobuf-c-dev and libssl-dev. Writes only into OUTDIR.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
protos="$(cd "$here/../../Protos" && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"

command -v protoc-c >/dev/null || { echo "build.sh: protoc-c not found (apt: protobuf-c-compiler)" >&2; exit 1; }

# google/protobuf/timestamp.proto comes from Debian's libprotobuf-dev (scripts/bootstrap installs it);
# libprotobuf-c ships no C code for Google's well-known types, so it is generated here too.
wkt=/usr/include
[[ -f $wkt/google/protobuf/timestamp.proto ]] || { echo "build.sh: $wkt/google/protobuf/timestamp.proto missing (apt: libprotobuf-dev)" >&2; exit 1; }

protoc-c -I "$protos" -I "$wkt" --c_out="$out" \
  "$protos/dms/v1/frame.proto" \
  "$protos/dms/v1/health.proto" \
  "$wkt/google/protobuf/timestamp.proto"

# -Werror applies to our file; the generated code is compiled with warnings but not as errors.
cc_bin="${CC:-cc}"
objs=()
for src in "$out/dms/v1/frame.pb-c.c" "$out/dms/v1/health.pb-c.c" "$out/google/protobuf/timestamp.pb-c.c"; do
  obj="${src%.c}.o"
  "$cc_bin" -O1 -Wall -I "$out" -c "$src" -o "$obj"
  objs+=("$obj")
done
"$cc_bin" -O1 -Wall -Werror -I "$out" -c "$here/dms_health_client.c" -o "$out/dms_health_client.o"
"$cc_bin" -o "$out/dms-health-client" "$out/dms_health_client.o" "${objs[@]}" -lprotobuf-c -lssl -lcrypto
echo "built $out/dms-health-client"
