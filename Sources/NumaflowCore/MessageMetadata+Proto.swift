import NumaflowProtos

extension MessageMetadata {
  package init(_ groups: [String: Metadata_KeyValueGroup]) {
    // Most messages carry none, and mapping an empty dictionary still allocates one.
    self.init(groups.isEmpty ? [:] : groups.mapValues(\.keyValue))
  }

  package var protoGroups: [String: Metadata_KeyValueGroup] {
    guard !groups.isEmpty else { return [:] }
    return groups.mapValues { values in
      var group = Metadata_KeyValueGroup()
      group.keyValue = values
      return group
    }
  }
}
