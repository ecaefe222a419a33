-- One row per target stated in a report, for indicators in the dictionary.
-- Qualitative targets (与经济增长同步) are kept with value NULL and the words in target_text.

with

facts as (

    select * from {{ ref('int_facts_located') }}

),

targets as (

    select *
    from facts
    where kind = 'target'
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
        indicator,
        indicator_raw,
        measure,
        value,
        value_high,
        unit,
        comparator,
        target_text,
        measure = 'qualitative' as is_qualitative,
        evidence,
        char_start,
        char_end

    from targets

)

select * from final
