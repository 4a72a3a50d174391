/// Tags numa gives a meaning to. Other tags are yours, for conditional forwarding.
public enum Tags {
  /// Drop the output; the input is still acknowledged. (The literal text `U+005C__DROP__`.)
  public static let drop = "U+005C__DROP__"
  /// Do not acknowledge the input: the source delivers it again, as the output's
  /// ``NackOptions`` say. Numaflow 1.8.2 and later. (The literal text `U+005C__NACK__`.)
  public static let nack = "U+005C__NACK__"
  /// The input failed: numa calls the UDF again with it, as the vertex's `retryStrategy` says
  /// (backoff, then drop or nack; without one, again and again). Map, stream map, batch map and
  /// source transformer outputs. Needs ``NumaflowVersion/failAndRetry``. (The literal text
  /// `U+005C__FAIL__`.)
  public static let fail = "U+005C__FAIL__"
}
