// DMSCatalog
