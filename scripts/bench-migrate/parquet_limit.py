"""The physical baseline for PostgreSQL → Parquet in `scripts/bench migrate`: the COPY … TO STDOUT
(FORMAT csv) text on stdin, parsed by pyarrow's streaming CSV reader with the table's column types
and written as one snappy Parquet file (pyarrow defaults). Prints the rows written.

  psql -c "COPY (SELECT …) TO STDOUT (FORMAT csv)" | python parquet_limit.py OUT.parquet
"""
import sys

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

SCHEMA = pa.schema([
    ("id", pa.int64()), ("qty", pa.int32()), ("score", pa.int32()), ("amount", pa.decimal128(12, 2)),
    ("code", pa.string()), ("note", pa.string()), ("created_at", pa.timestamp("us")), ("day", pa.date32()),
    ("active", pa.bool_()),
])


def main():
    out = sys.argv[1]
    reader = pacsv.open_csv(
        sys.stdin.buffer,
        read_options=pacsv.ReadOptions(column_names=SCHEMA.names, block_size=8 << 20),
        convert_options=pacsv.ConvertOptions(
            column_types={f.name: f.type for f in SCHEMA}, null_values=[""], strings_can_be_null=True,
            quoted_strings_can_be_null=False, true_values=["t"], false_values=["f"]))
    rows = 0
    with pq.ParquetWriter(out, SCHEMA, compression="snappy") as w:
        for batch in reader:
            w.write_batch(batch)
            rows += batch.num_rows
    print(rows)


if __name__ == "__main__":
    main()
