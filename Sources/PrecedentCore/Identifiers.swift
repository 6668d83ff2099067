/// A venue instrument id as in every DBN record header (CME: the SecurityID).
/// Unique within a dataset while the instrument is live; may be reused after
/// expiry, so resolve symbols with a date-aware map.
public typealias InstrumentID = UInt32

/// Databento's publisher id (dataset + venue); GLBX.MDP3 is 1.
public typealias PublisherID = UInt16
