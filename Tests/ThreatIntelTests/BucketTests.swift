import Testing

@testable import ThreatIntel

/// The bucket index over the sorted fingerprints: every bucket's range holds exactly its fingerprints, including
/// at the ends of the 64-bit range.
@Suite struct BucketTests {
    @Test func everyFingerprintIsInItsBucket() {
        var rng = SystemRandomNumberGenerator()
        var prints: [UInt64] = [0, 1, 1 << 48, (1 << 48) - 1, UInt64.max, UInt64.max - 1, 0xFFFF_0000_0000_0000]
        for _ in 0..<5000 { prints.append(UInt64.random(in: 0...UInt64.max, using: &rng)) }
        prints.sort()
        let buckets = IntelSet.buckets(prints)
        #expect(buckets.count == 65_537)
        #expect(buckets[0] == 0 && Int(buckets[65_536]) == prints.count)
        for (i, p) in prints.enumerated() {
            let k = Int(p >> 48)
            #expect(Int(buckets[k]) <= i && i < Int(buckets[k + 1]), "\(p)")
        }
        #expect(IntelSet.buckets([]).allSatisfy { $0 == 0 })
    }
}
