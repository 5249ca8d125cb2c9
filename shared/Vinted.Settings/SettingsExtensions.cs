using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vinted.Settings;

/// <summary>Registers options classes bound from configuration and validated when the host starts.</summary>
public static class SettingsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> and validates its data annotations at
    /// start-up; a failure names the configuration key and its environment-variable form.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// As <see cref="AddSettings{T}(IServiceCollection, string)"/>, for settings that moved from <paramref name="legacySection"/>
    /// to <paramref name="section"/>: both are bound, <paramref name="section"/> last so it wins, and a failure names the key
    /// the value came from (so an operator who still sets the old key is told that key).
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section, string legacySection)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => new SettingsValidator<T>(section, legacySection, sp.GetRequiredService<IConfiguration>()));
        return services.AddOptions<T>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                configuration.GetSection(legacySection).Bind(options);
                configuration.GetSection(section).Bind(options);
            })
            .ValidateOnStart();
    }
}
