// Every kind's API speaks Foundation's value types (`Data`, `Date`), so a UDF that imports its
// kind's module has them too, without an import of its own.
#if canImport(FoundationEssentials)
@_exported import FoundationEssentials
#else
@_exported import Foundation
#endif
