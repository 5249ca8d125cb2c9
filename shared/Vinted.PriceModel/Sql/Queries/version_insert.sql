-- The next version of the model, under a lock so two trainings never take the same number.
select pg_advisory_xact_lock(hashtext('model_registry:' || @model_name));
insert into model_registry.model_version (model_name, version, run_id, s3_key, sha256, size_bytes, beats_baseline, created_at)
select @model_name, coalesce(max(version), 0) + 1, @run_id, @s3_key, @sha256, @size_bytes, @beats_baseline, @created_at
from model_registry.model_version where model_name = @model_name
returning version
