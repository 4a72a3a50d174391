// A native gRPC C++ map server with no SDK: the baseline Benchmarks/native.py measures the
// Swift SDK against. It answers numa's MapFn stream as an echo (the handshake, then one result
// per request carrying its keys and value), on the synchronous API: one thread per stream.
//
// usage: echo_server SOCKET_PATH
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "map/v1/map.grpc.pb.h"

namespace {

class Echo final : public map::v1::Map::Service {
  grpc::Status MapFn(grpc::ServerContext*,
                     grpc::ServerReaderWriter<map::v1::MapResponse, map::v1::MapRequest>* stream) override {
    map::v1::MapRequest request;
    map::v1::MapResponse response;
    while (stream->Read(&request)) {
      response.Clear();
      if (request.has_handshake()) {
        response.mutable_handshake()->set_sot(true);
      } else {
        response.set_id(request.id());
        auto* result = response.add_results();
        result->set_value(request.request().value());
        *result->mutable_keys() = request.request().keys();
      }
      if (!stream->Write(response)) break;
    }
    return grpc::Status::OK;
  }

  grpc::Status IsReady(grpc::ServerContext*, const google::protobuf::Empty*,
                       map::v1::ReadyResponse* response) override {
    response->set_ready(true);
    return grpc::Status::OK;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
    return 2;
  }
  Echo service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(std::string("unix:") + argv[1], grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) return 1;
  server->Wait();
  return 0;
}
