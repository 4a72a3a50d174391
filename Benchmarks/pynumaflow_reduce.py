"""The reference baseline for reducers: pynumaflow's ReduceAsyncServer with the reference's counter.

usage: python3 pynumaflow_reduce.py RUN_DIRECTORY
Serves RUN_DIRECTORY/reduce.sock and writes RUN_DIRECTORY/reducer-server-info. Needs
`pip install pynumaflow==0.14.0`.
"""
import os
import sys
from collections.abc import AsyncIterable

from pynumaflow.reducer import Datum, Message, Messages, Metadata, ReduceAsyncServer


async def count(keys: list[str], datums: AsyncIterable[Datum], md: Metadata) -> Messages:
    counter = 0
    async for _ in datums:
        counter += 1
    window = md.interval_window
    text = f"counter:{counter} interval_window_start:{window.start} interval_window_end:{window.end}"
    return Messages(Message(text.encode(), keys=keys))


if __name__ == "__main__":
    run_directory = sys.argv[1]
    ReduceAsyncServer(
        count,
        sock_path=os.path.join(run_directory, "reduce.sock"),
        server_info_file=os.path.join(run_directory, "reducer-server-info"),
    ).start()
