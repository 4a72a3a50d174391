"""The reference baseline: pynumaflow's MapAsyncServer with an echo handler.

usage: python3 pynumaflow_echo.py RUN_DIRECTORY
Serves RUN_DIRECTORY/map.sock and writes RUN_DIRECTORY/mapper-server-info, like the Swift servers
started with NUMAFLOW_SWIFT_RUN_DIR. Needs `pip install pynumaflow==0.14.0`.
"""
import os
import sys

from pynumaflow.mapper import Datum, MapAsyncServer, Message, Messages


async def echo(keys: list[str], datum: Datum) -> Messages:
    return Messages(Message(value=datum.value, keys=keys))


if __name__ == "__main__":
    run_directory = sys.argv[1]
    MapAsyncServer(
        echo,
        sock_path=os.path.join(run_directory, "map.sock"),
        server_info_file=os.path.join(run_directory, "mapper-server-info"),
    ).start()
