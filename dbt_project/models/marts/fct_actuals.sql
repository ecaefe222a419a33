-- One row per reported actual figure (a level, a growth rate, a rate or a completion share)
-- for indicators in the dictionary.

with

facts as (

    select * from {{ ref('int_facts_located') }}

),

actuals as (

    select *
    from facts
    where kind = 'actual'
      and indicator is not null
      -- a fact whose year could not be told stays in raw.facts (a raw check warns about it)
      and year is not null

),

final as (

    select
        fact_id,
        document_id,
        region,
        region_code,
        region_level,
        province,
        prefecture,
        year,
        period_start_month,
        period_end_month,
        indicator,
        indicator_raw,
        measure,
        value,
        unit,
        coalesce(estimate, false) as estimate,
        evidence,
        char_start,
        char_end

    from actuals

)

select * from final
