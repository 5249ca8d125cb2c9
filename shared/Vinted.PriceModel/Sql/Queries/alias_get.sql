select a.version, v.s3_key, v.sha256
from model_registry.model_alias a
join model_registry.model_version v on v.model_name = a.model_name and v.version = a.version
where a.model_name = @model_name and a.alias = @alias
