/// What `numaflow-dev init` writes for one kind: the handler, how the server starts, a test, a
/// sample input and the manifest. Every file that does not depend on the kind is in
/// `Scaffold.swift`; the kinds are in `ScaffoldTemplate+<family>.swift`.
struct ScaffoldTemplate {
  /// The kind's name on the command line, as for `run`.
  let kind: String
  /// The SDK product the handler imports.
  let product: String
  /// `Handler.swift` in the library target, with `MODULE` for the module's name.
  let handler: String
  /// The executable's `main.swift`, after its imports.
  let main: String
  /// The Swift Testing test of the handler, after its imports.
  let test: String
  /// `input.jsonl`, for the kinds `numaflow-dev run` feeds records to.
  var input: String?
  /// What `numaflow-dev run KIND` needs besides the server, such as `--window fixed:60s`.
  var runOptions: String
  /// The manifest's `kind`.
  var manifestKind = "Pipeline"
  /// Records for the manifest's source, for `numaflow-dev pipeline run`, where `input` holds
  /// something else (a serving store's calls) or nothing the pipeline reads.
  var pipelineInput: String?
  /// The source vertex `--input` feeds; `nil` for a user-defined source, which makes its own.
  var pipelineSource: String? = "in"
  /// The manifest from `spec:` on, with `IMAGE` for the image.
  let spec: String

  static let all: [ScaffoldTemplate] = [
    .map, .mapstream, .batchmap, .transformer, .source, .sink, .reduce, .reducestream, .session, .accumulator,
    .sideinput, .serving,
  ]

  /// A pipeline from an HTTP source through a vertex named udf (`vertex` is its body) to a log
  /// sink; `sideInputs`, when given, is the list under `spec.sideInputs`.
  static func pipeline(through vertex: String, sideInputs: String? = nil) -> String {
    "spec:\n" + (sideInputs.map { "  sideInputs:\n\($0)\n" } ?? "") + """
        vertices:
          - name: in
            source:
              http: {}
          - name: udf
      \(vertex)
          - name: out
            sink:
              log: {}
        edges:
          - from: in
            to: udf
          - from: udf
            to: out

      """
  }

  /// A pipeline from a source vertex (`source` is what goes under its `source:`) to a log sink.
  static func pipeline(from source: String) -> String {
    """
    spec:
      vertices:
        - name: in
          source:
    \(source)
        - name: out
          sink:
            log: {}
      edges:
        - from: in
          to: out

    """
  }

  /// A map vertex's body.
  static let udfVertex = """
          udf:
            container:
              image: IMAGE
              imagePullPolicy: IfNotPresent
    """
}
