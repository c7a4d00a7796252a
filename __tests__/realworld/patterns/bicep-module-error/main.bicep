// A root template whose module does not compile: the error is in modules/storage.bicep.
param location string = 'northeurope'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
  }
}
