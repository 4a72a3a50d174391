// A native gRPC C++ client that plays numa's part on one MapFn stream: the handshake, then
// COUNT requests of SIZE bytes with at most WINDOW in flight, each answer matched by id. It
// prints one JSON line: messages, seconds, messages per second.
//
// Two ways to write, as Benchmarks/native.py compares them:
//   each     every request is its own write, flushed at once (what the figures used);
//   batched  requests are corked with the buffer hint and flushed every BATCH requests, as a
//            client that writes a read batch at a time does.
// Either with "-numa" after it (each-numa, batched-numa) sends requests shaped as numa v1.8.3
// sends those it read from the ISB: with a watermark, two headers and the previous vertex in
// the metadata. Without, a request holds one key, the value and an event time.
//
// usage: map_client SOCKET_PATH COUNT SIZE WINDOW each|batched[-numa] [BATCH]
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "map/v1/map.grpc.pb.h"

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s SOCKET_PATH COUNT SIZE WINDOW each|batched[-numa] [BATCH]\n", argv[0]);
    return 2;
  }
  const std::string socket = argv[1];
  const long count = std::atol(argv[2]);
  const size_t size = std::atol(argv[3]);
  const long window = std::atol(argv[4]);
  const std::string client = argv[5];
  const bool batched = client.rfind("batched", 0) == 0;
  const bool numa_shaped = client.size() > 5 && client.compare(client.size() - 5, 5, "-numa") == 0;
  const long batch = argc > 6 ? std::atol(argv[6]) : 500;

  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  auto channel = grpc::CreateCustomChannel("unix:" + socket, grpc::InsecureChannelCredentials(), arguments);
  auto stub = map::v1::Map::NewStub(channel);
  grpc::ClientContext context;
  auto stream = stub->MapFn(&context);

  map::v1::MapRequest request;
  request.mutable_handshake()->set_sot(true);
  map::v1::MapResponse response;
  if (!stream->Write(request) || !stream->Read(&response) || !response.handshake().sot()) {
    std::fprintf(stderr, "no handshake\n");
    return 1;
  }

  std::mutex lock;
  std::condition_variable changed;
  long answered = 0;
  bool failed = false;
  const auto start = std::chrono::steady_clock::now();
  std::thread reader([&] {
    map::v1::MapResponse answer;
    for (long index = 0; index < count; ++index) {
      if (!stream->Read(&answer) || answer.results_size() != 1) {
        std::lock_guard<std::mutex> guard(lock);
        failed = true;
        changed.notify_all();
        return;
      }
      std::lock_guard<std::mutex> guard(lock);
      ++answered;
      changed.notify_all();
    }
  });

  request.Clear();
  request.mutable_request()->add_keys("key");
  request.mutable_request()->set_value(std::string(size, 'x'));
  request.mutable_request()->mutable_event_time()->set_seconds(1767225600);
  if (numa_shaped) {
    request.mutable_request()->mutable_watermark()->set_seconds(1767225599);
    request.mutable_request()->mutable_watermark()->set_nanos(999000000);
    (*request.mutable_request()->mutable_headers())["X-Numaflow-Id"] = "a1b2c3d4-0000";
    (*request.mutable_request()->mutable_headers())["content-type"] = "application/json";
    request.mutable_request()->mutable_metadata()->set_previous_vertex("in");
  }
  for (long index = 0; index < count; ++index) {
    {
      std::unique_lock<std::mutex> guard(lock);
      changed.wait(guard, [&] { return failed || index - answered < window; });
      if (failed) break;
    }
    request.set_id("bench-" + std::to_string(index));
    grpc::WriteOptions options;
    if (batched && (index + 1) % batch != 0 && index + 1 != count) options.set_buffer_hint();
    if (!stream->Write(request, options)) break;
  }
  stream->WritesDone();
  reader.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed || answered != count) {
    std::fprintf(stderr, "only %ld of %ld answered\n", answered, count);
    return 1;
  }
  stream->Finish();
  std::printf("{\"messages\":%ld,\"seconds\":%.4f,\"messages_per_second\":%.0f}\n", count, seconds,
              count / seconds);
  return 0;
}
