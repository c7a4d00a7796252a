import { DEPLOYMENT_SCHEMA, lines } from '../arm-template/scan-helper.js';
import type { WorkspaceFixture } from '../helpers/fake-arm-workspace.js';

/** A workspace and a project that use what the fixture's subscription holds; line numbers stated. */
export function dependentTemplate(fixture: WorkspaceFixture): string {
  return lines(
    '{', // 1
    `  "$schema": "${DEPLOYMENT_SCHEMA}",`, // 2
    '  "contentVersion": "1.0.0.0",', // 3
    '  "resources": [', // 4
    '    {', // 5
    '      "type": "Microsoft.MachineLearningServices/workspaces",', // 6
    '      "apiVersion": "2024-10-01",', // 7
    '      "name": "mlw-new",', // 8
    '      "location": "westeurope",', // 9
    '      "properties": {', // 10
    `        "storageAccount": "${fixture.ids.storage}",`, // 11
    `        "keyVault": "${fixture.ids.keyVault}",`, // 12
    `        "containerRegistry": "${fixture.ids.registry}",`, // 13
    "        \"applicationInsights\": \"[resourceId('rg-mon', 'Microsoft.Insights/components', 'appi-shared')]\"", // 14
    '      }', // 15
    '    },', // 16
    '    {', // 17
    '      "type": "Microsoft.MachineLearningServices/workspaces/computes",', // 18
    '      "apiVersion": "2024-10-01",', // 19
    '      "name": "mlw-new/aks",', // 20
    '      "location": "westeurope",', // 21
    `      "properties": { "computeType": "AKS", "resourceId": "${fixture.ids.aks}" },`, // 22
    '      "dependsOn": ["mlw-new"]', // 23
    '    },', // 24
    '    {', // 25
    '      "type": "Microsoft.MachineLearningServices/workspaces",', // 26
    '      "apiVersion": "2024-10-01",', // 27
    '      "name": "proj",', // 28
    '      "kind": "Project",', // 29
    '      "location": "westeurope",', // 30
    `      "properties": { "hubResourceId": "${fixture.workspaceId}" }`, // 31
    '    }', // 32
    '  ]', // 33
    '}', // 34
  );
}
