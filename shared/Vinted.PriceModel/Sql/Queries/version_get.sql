select version, s3_key, sha256, beats_baseline
from model_registry.model_version
where model_name = @model_name and version = @version
