import ArgumentParser
import DMSManifest

/// `--overlap-policy skip|queue`: the names documents use too.
extension OverlapPolicyName: ExpressibleByArgument {}

/// `--misfire-policy skip|once|all`: the names documents use too.
extension MisfirePolicyName: ExpressibleByArgument {}
