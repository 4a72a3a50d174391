"""The reference baseline for sinks: pynumaflow's SinkAsyncServer with a no-op handler.

usage: python3 pynumaflow_sink.py RUN_DIRECTORY
Serves RUN_DIRECTORY/sink.sock and writes RUN_DIRECTORY/sinker-server-info. Needs
`pip install pynumaflow==0.14.0`.
"""
import os
import sys
from collections.abc import AsyncIterable

from pynumaflow.sinker import Datum, Response, Responses, SinkAsyncServer


async def noop(datums: AsyncIterable[Datum]) -> Responses:
    responses = Responses()
    async for datum in datums:
        responses.append(Response.as_success(datum.id))
    return responses


if __name__ == "__main__":
    run_directory = sys.argv[1]
    SinkAsyncServer(
        noop,
        sock_path=os.path.join(run_directory, "sink.sock"),
        server_info_file=os.path.join(run_directory, "sinker-server-info"),
    ).start()
