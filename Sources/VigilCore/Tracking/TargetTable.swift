/// The live targets by serial, each stored in place in one array (a slot) with a map from serial
/// to slot: what a dictionary of targets does, without moving targets about.
///
/// The engine takes the target a detection moves out of the table while it updates it, so the
/// other targets can be read beside it (``take(_:)``, ``put(_:)``). From a dictionary that cost a
/// removal and an insertion a detection: hashing twice, and the removal's backward shift moved
/// every target after it in the probe sequence (~250 bytes each): issue 16 found `memmove` the
/// top cost of the processing queue at 20,000 frames/s. Here a take leaves the slot empty and its
/// serial mapped, and a put moves the target back into the same slot: one hash lookup, no
/// shifting. Measured (`vigil-bench instructions`, a fixed replay): instructions a frame did not
/// fall (55,618 before, 57,172 after, the rest of the work unchanged); the moves it saves are
/// cheap in instructions, not in memory traffic.
///
/// Iteration order is the slots' order (not the serials'): callers that need an order sort, as
/// they did with a dictionary.
struct TargetTable: Sequence {
    private var slots: [Target?] = []
    private var slotOf: [UInt64: Int] = [:]
    private var freeSlots: [Int] = []

    /// An empty table.
    init() {}

    /// Targets held (a target taken out still counts until it is removed).
    var count: Int { slotOf.count }

    /// The serials held, in no particular order.
    var keys: Dictionary<UInt64, Int>.Keys { slotOf.keys }

    /// The targets held (not those taken out), in slot order.
    var values: LazyMapSequence<LazyFilterSequence<[Target?]>, Target> {
        slots.lazy.filter { $0 != nil }.map { $0! }
    }

    /// Whether `serial` is held and not taken out.
    func contains(_ serial: UInt64) -> Bool {
        guard let slot = slotOf[serial] else { return false }
        return slots[slot] != nil
    }

    /// The target `serial` (nil if not held, or taken out). Setting nil removes it; setting a
    /// target stores it (in its slot, or a new one).
    subscript(serial: UInt64) -> Target? {
        get {
            guard let slot = slotOf[serial] else { return nil }
            return slots[slot]
        }
        _modify {
            if let slot = slotOf[serial] {
                yield &slots[slot]
                if slots[slot] == nil { release(serial, slot) }
            } else {
                var added: Target?
                yield &added
                if let added { insert(added, serial: serial) }
            }
        }
    }

    /// Takes target `serial` out to update it (its slot stays its own until ``put(_:)``).
    mutating func take(_ serial: UInt64) -> Target? {
        guard let slot = slotOf[serial] else { return nil }
        return slots[slot].take()
    }

    /// Puts `target` back (or in, if it was never held).
    mutating func put(_ target: consuming Target) {
        let serial = target.serial
        if let slot = slotOf[serial] { slots[slot] = target } else { insert(target, serial: serial) }
    }

    /// Removes target `serial` and returns it.
    @discardableResult
    mutating func removeValue(forKey serial: UInt64) -> Target? {
        guard let slot = slotOf[serial] else { return nil }
        let target = slots[slot].take()
        release(serial, slot)
        return target
    }

    func makeIterator() -> some IteratorProtocol<(key: UInt64, value: Target)> {
        slots.lazy.compactMap { $0.map { (key: $0.serial, value: $0) } }.makeIterator()
    }

    private mutating func insert(_ target: Target, serial: UInt64) {
        if let slot = freeSlots.popLast() {
            slots[slot] = target
            slotOf[serial] = slot
        } else {
            slotOf[serial] = slots.count
            slots.append(target)
        }
    }

    private mutating func release(_ serial: UInt64, _ slot: Int) {
        slotOf[serial] = nil
        slots[slot] = nil
        freeSlots.append(slot)
    }
}
