import DMSAPI
import DMSProto
import DMSRPCServer
import DMSWire

/// Builds the router of everything dmsd serves.
public enum ServiceRouter {
    /// The router with every implemented service; every other method of the contract answers
    /// `UNIMPLEMENTED "… is not implemented yet"`.
    public static func make(health: HealthService) -> MethodRouter {
        var router = MethodRouter()
        health.register(on: &router)
        router.registerUnimplemented(API.allMethods)
        return router
    }
}
