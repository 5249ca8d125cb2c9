-- Where a rollback goes: the version the alias pointed at before its latest move to the current version.
select e.previous
from model_registry.alias_event e
join model_registry.model_alias a on a.model_name = e.model_name and a.alias = e.alias and a.version = e.version
where e.model_name = @model_name and e.alias = @alias and e.previous is not null and e.previous <> e.version
order by e.id desc
limit 1
