/// The document format of `apply -f` and `delete -f`, as their `--help` shows it.
enum ManifestHelp {
    /// The shape of a document, per kind, with an example.
    static let documentShape = """
        Documents are YAML (several per file, separated by ---) or JSON (one object, or an array \
        of them, per .json file). A DIR means every *.yaml, *.yml and *.json file in it, in name \
        order; - reads stdin.

          kind: Namespace | Connection | Source | Target | MigrationJob   ("Job" also works)
          metadata:
            name: pg-main          # a-z, 0-9 and '-', starting with a letter
            namespace: sales       # default: the context's (-n); Namespaces have none
          spec:                    # per kind:
            # Namespace:    description
            # Connection:   type, version (optional), schema: {...}
            # Source/Target: connection: <connection name>, conf: {...}
            # MigrationJob: source: <source name>, target: <target name>, schedule, timeZone,
            #               paused, options: {...}, sparkConf: {...}, timeoutSeconds,
            #               maxAttempts, retryBackoffSeconds, overlapPolicy (skip|queue),
            #               misfirePolicy (skip|once|all), misfireMaxRuns

        A secret in a schema or conf may be given as {fromEnv: VAR} or {fromFile: path} (path \
        relative to the document's file, one trailing newline dropped) instead of a literal. \
        schema, conf and options are whole objects: they replace what the server has. A field left \
        out of spec is left as it is on the server (a new resource gets the default). References \
        are names in the document's namespace and may point to resources defined in the same \
        apply.

        Example:
          kind: Connection
          metadata: {name: pg-main, namespace: sales}
          spec:
            type: postgres
            schema: {host: db.internal, port: 5432, database: shop, user: dms,
                     password: {fromEnv: PG_PASSWORD}}
          ---
          kind: Source
          metadata: {name: orders, namespace: sales}
          spec: {connection: pg-main, conf: {table: public.orders}}
        """
}
