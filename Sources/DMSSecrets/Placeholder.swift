// DMSSecrets
