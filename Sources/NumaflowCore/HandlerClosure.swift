/// A handler made of a closure: the one mechanism behind every server's trailing closure
/// (`MapServer { keys, datum in ... }`) and every kind's `Closure…` name (`ClosureMapper`,
/// `ClosureSinker`, ...), as swift-aws-lambda-runtime's `ClosureHandler` is for Lambda.
///
/// Each kind whose handler protocol has one requirement makes `HandlerClosure` conform to it
/// when `Function` is that requirement's function type, and names the result:
/// `ClosureMapper` is `HandlerClosure<@Sendable ([String], Datum) async throws -> [Message]>`.
/// Use it wherever the protocol goes: a server with options, a test client, a unit test.
///
/// ```swift
/// let echo = ClosureMapper { keys, datum in [Message(datum.value, keys: keys)] }
/// await MapServer(mode: .multiprocess, mapper: echo).runService()
/// ```
public struct HandlerClosure<Function: Sendable>: Sendable {
  /// The closure's type: `ClosureMapper.Body` is a mapper's `map`.
  public typealias Body = Function

  /// The closure, called once per handler call.
  public let body: Body

  public init(_ body: Body) {
    self.body = body
  }
}
