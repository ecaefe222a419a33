with

source as (

    select * from {{ source('raw', 'facts') }}

),

renamed as (

    select
        -- ids
        cast(fact_id as varchar) as fact_id,
        cast(document_id as varchar) as document_id,
        cast(sentence_no as integer) as sentence_no,

        -- what the fact is about
        cast(region as varchar) as region,
        cast(region_code as varchar) as region_code,
        cast(kind as varchar) as kind,
        cast(year as integer) as year,
        cast(period_start_month as integer) as period_start_month,
        cast(period_end_month as integer) as period_end_month,
        cast(indicator as varchar) as indicator,
        cast(indicator_raw as varchar) as indicator_raw,
        cast(measure as varchar) as measure,

        -- figures
        {{ cast_to_double('value') }} as value,
        {{ cast_to_double('value_high') }} as value_high,
        cast(unit as varchar) as unit,
        cast(value_raw as varchar) as value_raw,
        cast(comparator as varchar) as comparator,
        cast(estimate as boolean) as estimate,
        cast(rank as integer) as rank,
        cast(rank_scope as varchar) as rank_scope,
        cast(rank_direction as varchar) as rank_direction,
        cast(target_text as varchar) as target_text,

        -- provenance
        cast(evidence as varchar) as evidence,
        cast(char_start as integer) as char_start,
        cast(char_end as integer) as char_end,
        cast(extractor_version as varchar) as extractor_version,
        cast(run_id as varchar) as run_id

    from source

)

select * from renamed
