/// Tags numa gives a meaning to. Other tags are yours, for conditional forwarding.
public enum Tags {
  /// Drop the output; the input is still acknowledged. (The literal text `U+005C__DROP__`.)
  public static let drop = "U+005C__DROP__"
}
