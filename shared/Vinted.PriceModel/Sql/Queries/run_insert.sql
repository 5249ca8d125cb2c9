insert into model_registry.training_run (
    run_id, model_name, currency, started_at, finished_at, status, note, trainer, parameters, code_version,
    train_from, train_to, test_day, train_rows, test_rows, mae, mape, r2, baseline_mae, baseline_mape, baseline_r2,
    beats_baseline, training_seconds, feature_importance)
values (
    @run_id, @model_name, @currency, @started_at, @finished_at, @status, @note, @trainer, @parameters, @code_version,
    @train_from, @train_to, @test_day, @train_rows, @test_rows, @mae, @mape, @r2, @baseline_mae, @baseline_mape, @baseline_r2,
    @beats_baseline, @training_seconds, @feature_importance)
