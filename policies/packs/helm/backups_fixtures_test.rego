package helm

import rego.v1

good_velero := {
	"__type": "kubernetes:helm.sh/v3:Release",
	"__urn": "urn:pulumi:prod::ai-platform::kubernetes:helm.sh/v3:Release::velero",
	"__name": "velero",
	"chart": "velero",
	"version": "12.1.0",
	"repositoryOpts": {"repo": "https://vmware-tanzu.github.io/helm-charts"},
	"namespace": "velero",
	"values": {
		"image": {"repository": "docker.io/velero/velero", "tag": "v1.18.1"},
		"credentials": {"useSecret": false},
		"snapshotsEnabled": false,
		"deployNodeAgent": true,
		"configuration": {
			"defaultVolumesToFsBackup": true,
			"backupStorageLocation": [{
				"name": "default", "provider": "aws", "bucket": "ai-platform-prod-backups-1", "prefix": "velero",
				"config": {"region": "eu-west-1", "kmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/abc"},
			}],
		},
	},
}

fx_velero_values(values) := fx_set(good_velero, "values", values)

fx_velero_location(location) := fx_velero_values(fx_set(good_velero.values, "configuration", {"backupStorageLocation": [location]}))

fixtures.deny_velero_backups_unprotected_allow_pod_identity_fs_backups_kms := good_velero

fixtures.deny_velero_backups_unprotected_allow_unknown_key_before_the_vault_exists := fx_velero_location({"name": "default", "config": {"kmsKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})

fixtures.deny_velero_backups_unprotected_deny_secret_credentials := fx_velero_values(fx_set(good_velero.values, "credentials", {"useSecret": true}))

fixtures.deny_velero_backups_unprotected_deny_credentials_default := fx_velero_values(object.remove(good_velero.values, ["credentials"]))

fixtures.deny_velero_backups_unprotected_deny_keys_in_values := fx_velero_values(fx_set(good_velero.values, "credentials", {"useSecret": false, "secretContents": {"cloud": "[default]"}}))

fixtures.deny_velero_backups_unprotected_deny_snapshots := fx_velero_values(fx_set(good_velero.values, "snapshotsEnabled", true))

fixtures.deny_velero_backups_unprotected_deny_location_without_kms_key := fx_velero_location({"name": "default", "config": {"region": "eu-west-1"}})

fixtures.deny_velero_backups_unprotected_deny_locations_secret := fx_velero_values(fx_set(good_velero.values, "configuration", {"backupStorageLocation": "[secret]"}))
