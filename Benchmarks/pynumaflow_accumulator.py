"""The reference baseline for accumulators: pynumaflow's AccumulatorAsyncServer with the
reference's stream sorter (examples/accumulator/streamsorter), logging left out.

usage: python3 pynumaflow_accumulator.py RUN_DIRECTORY
Serves RUN_DIRECTORY/accumulator.sock and writes RUN_DIRECTORY/accumulator-server-info. Needs
`pip install pynumaflow==0.14.0`.
"""
import os
import sys
from collections.abc import AsyncIterable
from datetime import datetime

from pynumaflow.accumulator import Accumulator, AccumulatorAsyncServer, Datum, Message
from pynumaflow.shared.asynciter import NonBlockingIterator


class StreamSorter(Accumulator):
    def __init__(self):
        self.latest_wm = datetime.fromtimestamp(-1)
        self.sorted_buffer: list[Datum] = []

    async def handler(self, datums: AsyncIterable[Datum], output: NonBlockingIterator):
        async for datum in datums:
            if datum.watermark and datum.watermark > self.latest_wm:
                self.latest_wm = datum.watermark
                await self.flush(output)
            left, right = 0, len(self.sorted_buffer)
            while left < right:
                mid = (left + right) // 2
                if self.sorted_buffer[mid].event_time > datum.event_time:
                    right = mid
                else:
                    left = mid + 1
            self.sorted_buffer.insert(left, datum)
        await self.flush(output, flush_all=True)

    async def flush(self, output: NonBlockingIterator, flush_all: bool = False):
        i = 0
        for datum in self.sorted_buffer:
            if datum.event_time > self.latest_wm and not flush_all:
                break
            await output.put(Message.from_datum(datum))
            i += 1
        self.sorted_buffer = self.sorted_buffer[i:]


if __name__ == "__main__":
    run_directory = sys.argv[1]
    AccumulatorAsyncServer(
        StreamSorter,
        sock_path=os.path.join(run_directory, "accumulator.sock"),
        server_info_file=os.path.join(run_directory, "accumulator-server-info"),
    ).start()
