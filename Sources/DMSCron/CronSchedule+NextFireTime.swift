/// The next fire time, across the time zone's offset changes.
///
/// The timeline after the start is cut at every offset change into stretches of one offset;
/// within a stretch, wall time and instant differ by a constant, so the first matching wall
/// time in the stretch's wall-clock interval is the answer if there is one. Between stretches,
/// a forward jump skips wall times (the spring-forward gap rule applies to them), and a backward
/// jump makes the next stretch's wall-clock interval overlap the previous one's (so repeated
/// wall times match again).
extension CronSchedule {
    /// The first fire time strictly after `instant` (seconds since 1970), in whole seconds.
    func nextFireTime(after instant: Double) -> Int? {
        guard instant.isFinite, abs(instant) < 1e12, fields.canMatch else { return nil }
        let resolution = hasSecondsField ? 1 : 60
        var offset = offsets.offset(at: instant)
        var stretchStart = instant
        // The first whole second (or minute) of the wall clock strictly after the start.
        var lowestWallTime = Int((instant + Double(offset)).rounded(.down)).floorDivided(by: resolution) * resolution + resolution
        let lastYear = WallTime(localSeconds: lowestWallTime).year + Self.searchHorizonInYears
        while true {
            let transition = offsets.nextTransition(after: stretchStart)
            guard let match = fields.firstMatch(from: WallTime(localSeconds: lowestWallTime), lastYear: lastYear) else {
                return nil
            }
            guard let transition, transition > Int(stretchStart.rounded(.down)) else { return match.localSeconds - offset }
            if match.localSeconds < transition + offset { return match.localSeconds - offset }
            let newOffset = offsets.offset(at: Double(transition))
            if newOffset > offset, fields.isRestricted(.hour),
               let skipped = fields.firstMatch(from: WallTime(localSeconds: roundedUp(transition + offset, resolution)), lastYear: lastYear),
               skipped.localSeconds < transition + newOffset {
                return transition
            }
            offset = newOffset
            stretchStart = Double(transition)
            lowestWallTime = roundedUp(transition + newOffset, resolution)
        }
    }

    private func roundedUp(_ seconds: Int, _ resolution: Int) -> Int {
        (seconds + resolution - 1).floorDivided(by: resolution) * resolution
    }
}
