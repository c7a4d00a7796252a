# An Azure ML workspace deployed with Terraform (azurerm 4.x). plan.json beside this file is the
# JSON of the plan for a change to it (`terraform plan -out tfplan`, then
# `terraform show -json tfplan > plan.json`): the default storage goes from ZRS to LRS, which
# Terraform can only do by replacing the account. aml-ha-gate reports it as a regression.

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "ml" {
  name     = "rg-mlws-tf"
  location = "westeurope"
}

resource "azurerm_storage_account" "ml" {
  name                     = "stmlwstf"
  location                 = azurerm_resource_group.ml.location
  resource_group_name      = azurerm_resource_group.ml.name
  account_tier             = "Standard"
  account_replication_type = "LRS" # was "ZRS"
}

resource "azurerm_key_vault" "ml" {
  name                     = "kv-mlws-tf"
  location                 = azurerm_resource_group.ml.location
  resource_group_name      = azurerm_resource_group.ml.name
  tenant_id                = data.azurerm_client_config.current.tenant_id
  sku_name                 = "standard"
  purge_protection_enabled = true
}

resource "azurerm_container_registry" "ml" {
  name                = "crmlwstf"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  sku                 = "Premium"

  georeplications {
    location                = "northeurope"
    zone_redundancy_enabled = true
  }
}

resource "azurerm_log_analytics_workspace" "ml" {
  name                = "log-mlws-tf"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  sku                 = "PerGB2018"
}

resource "azurerm_application_insights" "ml" {
  name                = "appi-mlws-tf"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  workspace_id        = azurerm_log_analytics_workspace.ml.id
  application_type    = "web"
}

resource "azurerm_machine_learning_workspace" "ml" {
  name                    = "mlws-tf"
  location                = azurerm_resource_group.ml.location
  resource_group_name     = azurerm_resource_group.ml.name
  storage_account_id      = azurerm_storage_account.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  container_registry_id   = azurerm_container_registry.ml.id
  application_insights_id = azurerm_application_insights.ml.id

  identity {
    type = "SystemAssigned"
  }
}
