/// A value handed into `@Sendable` scopes that run one after another in one task, and used
/// only inside them: the run's engine, which the sources' stream scopes take in turn.
struct Unshared<Value>: @unchecked Sendable {
  let value: Value

  init(_ value: Value) { self.value = value }
}
