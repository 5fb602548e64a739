-- wecom_agent: the self-built app's AgentID, which the guide sidebar's JS-SDK registration (agentConfig) names.
alter table wecom_settings add column agent_id text;
