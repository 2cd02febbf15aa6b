// DMSPostgres
