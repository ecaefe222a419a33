-- The indicator dictionary (seeds.indicators) with the names reports use for each indicator
-- (seeds.indicator_aliases) folded into one comma-separated string.

with

indicators as (

    select * from {{ ref('indicators') }}

),

aliases as (

    select * from {{ ref('indicator_aliases') }}

),

aliases_per_indicator as (

    select
        indicator,
        string_agg(alias, ',' order by alias) as aliases,
        count(*) as n_aliases

    from aliases
    group by indicator

),

final as (

    select
        indicators.indicator,
        indicators.name_zh,
        indicators.default_measure,
        indicators.default_unit,
        coalesce(indicators.headline, false) as is_headline,
        indicators.description,
        aliases_per_indicator.aliases,
        cast(coalesce(aliases_per_indicator.n_aliases, 0) as integer) as n_aliases

    from indicators
    left join aliases_per_indicator
        on indicators.indicator = aliases_per_indicator.indicator

)

select * from final
