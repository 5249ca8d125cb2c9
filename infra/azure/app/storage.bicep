// The storage account of the host (AzureWebJobsStorage: the Durable extension's Azure Storage provider keeps its task
// hub in its queues, tables and blobs), the deployment package container and the raw zone's container. Shared keys
// are off: everything reaches it with an identity.
param name string
param location string
param tags object
param containerNames array

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = [
  for containerName in containerNames: {
    parent: blobs
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

output name string = storage.name
