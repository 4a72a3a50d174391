"""The reference baseline for sources: a pynumaflow SourceAsyncServer shaped like the
reference's simple source (a counter; each message carries a random x-txn-id header; a read
writes nothing until the previous read is acked).

usage: python3 pynumaflow_source.py RUN_DIRECTORY
Serves RUN_DIRECTORY/source.sock and writes RUN_DIRECTORY/sourcer-server-info. Needs
`pip install pynumaflow==0.14.0`.
"""
import os
import sys
import uuid
from datetime import datetime

from pynumaflow.sourcer import (Message, Offset, PartitionsResponse, PendingResponse, SourceAsyncServer,
                                Sourcer, get_default_partitions)


class Counter(Sourcer):
    def __init__(self):
        self.next = 0
        self.unacked = set()

    async def read_handler(self, request, output):
        if self.unacked:
            return
        for _ in range(request.num_records):
            index = self.next
            self.next += 1
            self.unacked.add(index)
            await output.put(Message(payload=str(self.next).encode(),
                                     offset=Offset.offset_with_default_partition_id(str(index).encode()),
                                     event_time=datetime.now(), headers={"x-txn-id": str(uuid.uuid4())}))

    async def ack_handler(self, request):
        for offset in request.offsets:
            self.unacked.discard(int(offset.offset))

    async def nack_handler(self, request):
        pass

    async def pending_handler(self):
        return PendingResponse(count=0)

    async def active_partitions_handler(self):
        return PartitionsResponse(partitions=get_default_partitions())


if __name__ == "__main__":
    run_directory = sys.argv[1]
    SourceAsyncServer(
        Counter(),
        sock_path=os.path.join(run_directory, "source.sock"),
        server_info_file=os.path.join(run_directory, "sourcer-server-info"),
    ).start()
