/// The classes of the contract (CONTRACT.md section 1), for detections and alert messages alike.
/// A class outside the list is taken as ``unknown``.
public enum ObjectClass: String, Sendable, CaseIterable, Hashable {
    /// A person.
    case person
    /// A vehicle.
    case vehicle
    /// An animal.
    case animal
    /// Anything else, or a class this reader does not know.
    case unknown
}
