#!/usr/bin/env python3
"""Applies the proposed change to a checkout of swift-nio-http2 1.46.0 (README.md): the frame
decoder's two `accumulate(bytes:)` that see most bytes keep the new buffer itself when nothing
is pending, and otherwise drop the bytes already parsed before appending.

usage: python3 apply.py <checkout of swift-nio-http2>
"""
import pathlib
import sys

source = pathlib.Path(sys.argv[1]) / "Sources/NIOHTTP2/HTTP2FrameParser.swift"
text = source.read_text()
for pending in ("unusedBytes", "payload"):  # the frame-header state's buffer, the DATA state's
    head = "        mutating func accumulate(bytes: ByteBuffer) {\n"
    appended = f"{head}            self.{pending}.writeImmutableBuffer(bytes)\n        }}\n"
    if text.count(appended) != 1:
        sys.exit(f"{source}: no accumulate(bytes:) that only appends to `{pending}`: changed already, or not 1.46.0")
    text = text.replace(appended, (
        f"{head}"
        f"            if self.{pending}.readableBytes == 0 {{\n"
        f"                self.{pending} = bytes  // nothing pending: no copy\n"
        f"            }} else {{\n"
        f"                self.{pending}.discardReadBytes()  // a shared buffer is copied from its unread bytes only\n"
        f"                self.{pending}.writeImmutableBuffer(bytes)\n"
        f"            }}\n"
        f"        }}\n"))
source.write_text(text)
print(f"{source}: changed")
