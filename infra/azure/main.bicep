// The Vinted pipeline on Azure: one resource group holding the Functions app (Flex Consumption), its identity, storage,
// monitoring, PostgreSQL and the Key Vault that keeps the database password. Laid out as the Azure Developer CLI's
// Durable Functions templates lay it out (subscription-scoped main, local modules under app/), so `azd up` provisions
// it and deploys the `api` service of azure.yaml. Local modules only: it compiles offline (Vinted.Functions.Tests).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment: names the resource group and seeds the unique suffix of every resource.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption and PostgreSQL Flexible Server.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person running azd (azd sets AZURE_PRINCIPAL_ID): may read the Key Vault secrets and the raw zone. Empty for none.')
param principalId string = ''

@description('''The most instances of each function group (Flex Consumption scales the HTTP functions, the Durable functions
and each timer as separate groups). The Vinted API rate limits (VintedApi:Domains:*:RequestsPerSecond) are enforced by
a limiter inside each worker process, and every Vinted call is a Durable activity: a second instance of the Durable
group would multiply the request rate. The bound is 1 until the limiter is shared between processes; a deployment
asking for more fails validation.''')
@minValue(1)
@maxValue(1)
param maximumInstanceCount int = 1

@description('Memory of one Flex Consumption instance, in MB: ML.NET training and the Parquet writer want more than the 512 MB size.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@secure()
@description('Administrator password of PostgreSQL. azd fills it (main.parameters.json): the secret already in the Key Vault, or a new random one on the first run.')
param postgresAdminPassword string

@description('Lets every Azure service (0.0.0.0 rule) reach PostgreSQL: a Flex Consumption app without a virtual network has no fixed outbound addresses.')
param postgresAllowAzureServices bool = true

@description('One more address PostgreSQL accepts, for example your own for psql (azd env set POSTGRES_CLIENT_IP ...); empty for none.')
param postgresClientIp string = ''

@description('More PostgreSQL firewall ranges: [{ "name": "office", "start": "203.0.113.0", "end": "203.0.113.255" }].')
param postgresFirewallRules array = []

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
// The raw zone, the lake and the model registry: one container, as one S3 bucket serves them in the self-host.
var rawZoneContainerName = 'vinted-raw'
var functionAppName = 'func-vinted-${resourceToken}'
// Flex Consumption deploys from a blob container of its own (azd uploads the package there).
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-vinted-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    containerNames: [
      deploymentContainerName
      rawZoneContainerName
    ]
  }
}

module postgres 'app/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    name: 'psql-${resourceToken}'
    location: location
    tags: tags
    administratorPassword: postgresAdminPassword
    allowAzureServices: postgresAllowAzureServices
    firewallRules: concat(postgresFirewallRules, empty(postgresClientIp) ? [] : [
      {
        name: 'client'
        start: postgresClientIp
        end: postgresClientIp
      }
    ])
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    postgresDatabase: postgres.outputs.databaseName
    postgresAdministratorLogin: postgres.outputs.administratorLogin
    postgresAdminPassword: postgresAdminPassword
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    rawZoneContainerName: rawZoneContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    warehouseSecretUri: keyVault.outputs.warehouseConnectionStringUri
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
  // The app resolves its Key Vault reference and reaches storage at its first start: the roles come first.
  dependsOn: [
    rbac
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
// azd keeps it in the environment, so the next `azd up` reads the password back from this vault (main.parameters.json).
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output POSTGRES_HOST string = postgres.outputs.fullyQualifiedDomainName
