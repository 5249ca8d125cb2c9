-- Every version with its run's metrics, and which alias points at it, for the registry page and its API.
select v.model_name, v.version, v.created_at, v.sha256, v.size_bytes, v.beats_baseline, r.run_id, r.currency,
       r.train_from, r.train_to, r.test_day, r.train_rows, r.test_rows, r.mae, r.mape, r.r2,
       r.baseline_mae, r.baseline_mape, r.baseline_r2, r.code_version, r.trainer, r.training_seconds,
       r.feature_importance::text, r.parameters::text,
       (select string_agg(a.alias, ',' order by a.alias) from model_registry.model_alias a
         where a.model_name = v.model_name and a.version = v.version) as aliases
from model_registry.model_version v
join model_registry.training_run r on r.run_id = v.run_id
order by v.model_name, v.version
