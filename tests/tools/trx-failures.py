#!/usr/bin/env python3
"""Prints each failed test of the given .trx files with the start of its message and stack trace.

CI keeps only the tail of the output, so the failures are printed again at the very end, short.
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
LINES = 12

for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        print(f"{path}: unreadable ({error})")
        continue
    for result in root.iterfind(".//t:UnitTestResult", NS):
        if result.get("outcome") != "Failed":
            continue
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for tag in ("Message", "StackTrace"):
            node = result.find(f"t:Output/t:ErrorInfo/t:{tag}", NS)
            if node is not None and node.text:
                for line in node.text.strip().splitlines()[:LINES]:
                    print(f"    {line}")
