param location string

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: 'stmoduleerror'
  location: location
  sku: {
    name: skuName
  }
  kind: 'StorageV2'
}
