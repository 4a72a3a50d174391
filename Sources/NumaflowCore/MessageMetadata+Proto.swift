import NumaflowProtos

extension MessageMetadata {
  package init(_ groups: [String: Metadata_KeyValueGroup]) {
    self.init(groups.mapValues(\.keyValue))
  }

  package var protoGroups: [String: Metadata_KeyValueGroup] {
    groups.mapValues { values in
      var group = Metadata_KeyValueGroup()
      group.keyValue = values
      return group
    }
  }
}
