// The Key Vault (RBAC mode) that keeps the PostgreSQL password and the warehouse connection string built from it; the
// app reads the connection string through a Key Vault reference, with its identity (Key Vault Secrets User).
param name string
param location string
param tags object
param postgresHost string
param postgresDatabase string
param postgresAdministratorLogin string
@secure()
param postgresAdminPassword string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

// Read back by azd on the next `azd up` (secretOrRandomPassword), so a new deployment keeps the password.
resource adminPassword 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'postgres-admin-password'
  properties: {
    value: postgresAdminPassword
  }
}

// azd's generated password is 15 letters and digits, so it needs no quoting here; a password chosen by hand must not
// hold ';' (the connection string's separator).
resource warehouseConnectionString 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'warehouse-connection-string'
  properties: {
    value: 'Host=${postgresHost};Port=5432;Database=${postgresDatabase};Username=${postgresAdministratorLogin};Password=${postgresAdminPassword};SSL Mode=Require'
  }
}

output name string = vault.name
// Without a version: the reference follows the latest value.
output warehouseConnectionStringUri string = '${vault.properties.vaultUri}secrets/${warehouseConnectionString.name}'
