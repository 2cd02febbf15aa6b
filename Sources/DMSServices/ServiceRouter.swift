import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Builds the router of everything dmsd serves.
public enum ServiceRouter {
    /// The router with every implemented service; every other method of the contract answers
    /// `UNIMPLEMENTED "… is not implemented yet"` (TestConnection too, without `connectionTest`).
    public static func make(
        health: HealthService, store: MetadataStore? = nil, signals: RunSignals? = nil, connectionTest: ConnectionTest? = nil
    ) -> MethodRouter {
        var router = MethodRouter()
        health.register(on: &router)
        if let store {
            NamespaceService(store: store).register(on: &router)
            ConnectorService(catalog: store.catalog).register(on: &router)
            ConnectionService(store: store, tester: connectionTest).register(on: &router)
            OverlayService.sources(store).register(on: &router)
            OverlayService.targets(store).register(on: &router)
            let signals = signals ?? RunSignals(feed: RunEventFeed(runs: store.runs))
            MigrationJobService(store: store, signals: signals).register(on: &router)
            RunService(store: store, signals: signals).register(on: &router)
            TokenService(store: store).register(on: &router)
        }
        router.registerUnimplemented(API.allMethods)
        return router
    }
}
