// DMSStore
