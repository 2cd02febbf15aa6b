"""The reference for DMSCron's differential test: croniter's next fire times.

Reads JSON lines from stdin, one case each:
    {"id": 7, "expression": "*/5 0-6 * * MON", "timeZone": "Europe/Berlin", "start": 1700000000, "count": 4}
and writes one JSON line per case to stdout:
    {"id": 7, "times": [1700000300, ...]}   (unix seconds), or {"id": 7, "error": "..."}.

A 6-field expression has its seconds field first, as DMSCron reads it; croniter is told so with
second_at_beginning=True. The start is a time-zone-aware datetime in the case's zone, so croniter
applies its daylight-saving rules.
"""

import datetime
import json
import sys
from zoneinfo import ZoneInfo

from croniter import croniter


def fire_times(case):
    zone = ZoneInfo(case["timeZone"])
    start = datetime.datetime.fromtimestamp(case["start"], zone)
    six_fields = len(case["expression"].split()) == 6
    iterator = croniter(case["expression"], start, second_at_beginning=six_fields)
    return [int(iterator.get_next(datetime.datetime).timestamp()) for _ in range(case["count"])]


def main():
    for line in sys.stdin:
        case = json.loads(line)
        try:
            result = {"id": case["id"], "times": fire_times(case)}
        except Exception as error:  # reported per case, so one bad case does not hide the rest
            result = {"id": case["id"], "error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
