// The Flex Consumption plan and the function app: the Azure Functions isolated worker of functions/Vinted.Functions.
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param rawZoneContainerName string
param applicationInsightsName string
param warehouseSecretUri string
@minValue(1)
@maxValue(1)
param maximumInstanceCount int
param instanceMemoryMB int

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  // azd finds the app to deploy the `api` service of azure.yaml to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity (the app has no system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        // One instance: the Vinted rate limiter lives in the worker process (main.bicep, maximumInstanceCount).
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex takes the runtime from here; FUNCTIONS_WORKER_RUNTIME is not an app setting on this plan.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Every app setting, in one place. Vinted.Functions.Tests checks this list against what the host and the worker
// require: a key missing here fails the app at start, a key nothing reads fails the test.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: app
  name: 'appsettings'
  properties: {
    // The host's storage (task hub, timer schedule) by identity: no connection string, no key.
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    // Application Insights accepts telemetry from this identity only (local authentication is off).
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The identity Azure.Identity's DefaultAzureCredential picks inside the worker (the object store's Blob client).
    AZURE_CLIENT_ID: identityClientId
    ConnectionStrings__Warehouse: '@Microsoft.KeyVault(SecretUri=${warehouseSecretUri})'
    // The raw zone, the lake and the model registry in Blob Storage, reached with the identity.
    ObjectStore__Provider: 'AzureBlob'
    ObjectStore__Bucket: rawZoneContainerName
    ObjectStore__BlobServiceUri: storage.properties.primaryEndpoints.blob
  }
}

output name string = app.name
