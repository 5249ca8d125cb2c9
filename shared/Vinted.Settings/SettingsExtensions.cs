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
}
