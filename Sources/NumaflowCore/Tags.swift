/// Tags numa gives a meaning to. Other tags are yours, for conditional forwarding.
public enum Tags {
  /// Drop the output; the input is still acknowledged. (The literal text `U+005C__DROP__`.)
  public static let drop = "U+005C__DROP__"
  /// Do not acknowledge the input: the source delivers it again, as the output's
  /// ``NackOptions`` say. Numaflow 1.8.2 and later. (The literal text `U+005C__NACK__`.)
  public static let nack = "U+005C__NACK__"
}
